// "Print this page" buttons (data-module="app-print"): hidden until this script runs,
// so that nobody without JavaScript sees a button that does nothing (the browser's own
// Print still works). A module file, not an inline handler: the CSP allows scripts
// from this site only.
for (const button of document.querySelectorAll('[data-module="app-print"]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
