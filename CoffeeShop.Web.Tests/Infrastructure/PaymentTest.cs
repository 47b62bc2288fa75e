namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// Base for tests that take payments: after each test the books must agree with Stripe and the
/// shelves (<see cref="Ledger.AssertAgreesAsync(ShopFixture)"/>). A test that leaves them apart on
/// purpose calls <see cref="SkipLedgerCheck"/> and says why.
/// </summary>
public abstract class PaymentTest(ShopFixture fixture) : ShopTest(fixture)
{
    private string? _ledgerCheckSkipped;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ledgerCheckSkipped is null)
        {
            await Ledger.AssertAgreesAsync(Fixture);
        }
    }

    /// <summary>This test leaves the books disagreeing on purpose (e.g. it simulates a crash and stops there).</summary>
    protected void SkipLedgerCheck(string why)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(why);
        _ledgerCheckSkipped = why;
    }
}
