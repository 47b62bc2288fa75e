// Checkout: in Stripe mode, mounts the Payment Element in deferred-intent mode and turns the card
// details into a ConfirmationToken that the form posts; the server creates and confirms the payment.
// In both modes the Pay button is disabled while submitting, so one click makes one order, and
// choosing a country shows its shipping and total (the server prices each country into the options;
// it charges what it computes, never what this script shows).
(() => {
    const form = document.getElementById('checkout-form');
    if (!form) return;
    const button = document.getElementById('pay-button');
    const key = form.dataset.publishableKey;
    let elements = null;

    const country = document.getElementById('Input_Country');
    const showShipping = () => {
        const option = country.options[country.selectedIndex];
        if (!option || !option.dataset.total) return;
        document.getElementById('shipping-country').textContent = option.textContent;
        document.getElementById('order-shipping').textContent = option.dataset.shippingText;
        document.getElementById('order-total').textContent = option.dataset.totalText;
        button.textContent = 'Pay ' + option.dataset.totalText;
        form.dataset.amount = option.dataset.total;
        if (elements) elements.update({ amount: Number(option.dataset.total) });
    };
    if (country) {
        country.addEventListener('change', showShipping);
        showShipping();
    }

    if (!key) {
        form.addEventListener('submit', () => { button.disabled = true; });
        return;
    }

    const stripe = Stripe(key);
    elements = stripe.elements({
        mode: 'payment',
        amount: Number(form.dataset.amount),
        currency: form.dataset.currency,
        paymentMethodCreation: 'manual',
    });
    elements.create('payment').mount('#payment-element');

    const errors = document.getElementById('payment-errors');
    const showError = (message) => {
        errors.textContent = message;
        errors.hidden = false;
        button.disabled = false;
    };

    let tokenReady = false;
    form.addEventListener('submit', async (event) => {
        if (tokenReady) return;
        event.preventDefault();
        if (button.disabled) return;
        button.disabled = true;

        const { error: submitError } = await elements.submit();
        if (submitError) return showError(submitError.message);

        const { error, confirmationToken } = await stripe.createConfirmationToken({ elements });
        if (error) return showError(error.message);

        document.getElementById('confirmation-token').value = confirmationToken.id;
        tokenReady = true;
        form.submit();
    });
})();
