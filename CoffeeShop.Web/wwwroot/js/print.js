// The invoice's and credit note's Print button: shown only where this runs, since without script it would do nothing.
(() => {
    const button = document.getElementById('print-document');
    if (!button) return;
    button.hidden = false;
    button.addEventListener('click', () => window.print());
})();
