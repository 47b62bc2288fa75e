using System.Text.Json;
using Microsoft.Playwright;

namespace CoffeeShop.Web.Tests.Browser;

/// <summary>
/// Answers <c>https://js.stripe.com/v3/</c> (unreachable here) with a small script that implements
/// only the Stripe.js calls the shop makes: <c>Stripe(pk)</c>, <c>stripe.elements(options)</c>,
/// <c>elements.create('payment').mount(selector)</c>, <c>elements.submit()</c>, <c>elements.update({amount})</c>,
/// <c>stripe.createConfirmationToken({elements})</c> and <c>stripe.handleNextAction({clientSecret})</c>.
/// The confirmation token it hands out is chosen per test: one of the fake Stripe API's test tokens
/// (<c>ConfirmationTokens</c>), so the server side runs against the fake exactly as with real Stripe.js.
/// A token of the form <c>error:message</c> makes <c>createConfirmationToken</c> answer that error instead.
/// <c>handleNextAction</c> waits until the test calls <c>window.__finishNextAction()</c>, after it has
/// completed (or failed) the authentication on the fake API, as the bank would.
/// Every call is recorded in <c>window.__stripeCalls</c>.
/// </summary>
public static class StripeJsStandIn
{
    public const string Url = "https://js.stripe.com/v3/";

    /// <summary>Routes Stripe.js requests of every page in <paramref name="context"/> to the stand-in; answers how many were served.</summary>
    public static async Task<Func<int>> InstallAsync(IBrowserContext context, string confirmationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var served = 0;
        var script = Script(confirmationToken);
        await context.RouteAsync(url => url.StartsWith("https://js.stripe.com/", StringComparison.Ordinal), route =>
        {
            Interlocked.Increment(ref served);
            return route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 200,
                ContentType = "application/javascript; charset=utf-8",
                Body = script,
            });
        });
        return () => Volatile.Read(ref served);
    }

    public static string Script(string confirmationToken) => Template.Replace("__TOKEN__", JsonSerializer.Serialize(confirmationToken), StringComparison.Ordinal);

    private const string Template = """
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
                const token = __TOKEN__;
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
        """;
}
