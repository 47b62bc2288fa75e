// Stands in for https://js.stripe.com/v3/ (unreachable here): the tests' StripeJsStandIn, handing out the fake
// Stripe API's test token for a card that succeeds.
(() => {
  'use strict';
  const calls = window.__stripeCalls = [];
  window.Stripe = function Stripe(publishableKey) {
    calls.push({ call: 'Stripe', publishableKey });
    if (!/^pk_(test|live)_\w+$/.test(publishableKey || '')) {
      throw new Error('IntegrationError: Invalid API Key provided: ' + publishableKey);
    }
    return {
      elements(options) {
        calls.push({ call: 'elements', options });
        if (!options || options.mode !== 'payment' || !Number.isInteger(options.amount) || !options.currency) {
          throw new Error('IntegrationError: elements() in deferred mode needs mode, amount and currency');
        }
        const elements = {
          create(type) {
            calls.push({ call: 'create', type });
            return {
              mount(target) {
                calls.push({ call: 'mount', target: String(target) });
                const host = typeof target === 'string' ? document.querySelector(target) : target;
                if (!host) throw new Error('IntegrationError: no element matches ' + target);
                const note = document.createElement('p');
                note.className = 'stripe-stand-in';
                note.textContent = 'Card: test stand-in for the Stripe Payment Element';
                host.replaceChildren(note);
                host.dataset.mounted = type;
              },
            };
          },
          async submit() {
            calls.push({ call: 'submit' });
            return {};
          },
          update(changes) {
            calls.push({ call: 'update', options: changes });
            if (!changes || (changes.amount !== undefined && !Number.isInteger(changes.amount))) {
              throw new Error('IntegrationError: update() needs an integer amount');
            }
          },
        };
        return elements;
      },
      async createConfirmationToken(request) {
        calls.push({ call: 'createConfirmationToken' });
        if (!request || !request.elements) {
          return { error: { type: 'invalid_request_error', message: 'elements is required' } };
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
        const token = 'ctoken_pm_card_visa';
        if (token.startsWith('error:')) {
          return { error: { type: 'validation_error', message: token.slice('error:'.length) } };
        }
        return { confirmationToken: { id: token } };
      },
      handleNextAction(request) {
        calls.push({ call: 'handleNextAction' });
        window.__nextActionClientSecret = request && request.clientSecret;
        return new Promise((resolve) => {
          window.__finishNextAction = (status) => resolve({ paymentIntent: { status: status || 'succeeded' } });
        });
      },
    };
  };
})();
