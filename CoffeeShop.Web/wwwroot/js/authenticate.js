// 3-D Secure without a redirect URL: Stripe.js shows the bank's step, then the return page settles the payment.
(() => {
    const el = document.getElementById('authenticate');
    if (!el) return;
    const stripe = Stripe(el.dataset.publishableKey);
    stripe.handleNextAction({ clientSecret: el.dataset.clientSecret })
        .finally(() => window.location.assign(el.dataset.returnUrl));
})();
