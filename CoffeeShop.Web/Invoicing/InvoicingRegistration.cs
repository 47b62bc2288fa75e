namespace CoffeeShop.Web.Invoicing;

public static class InvoicingRegistration
{
    /// <summary>Invoices and credit notes: the seller's details they print.</summary>
    public static IServiceCollection AddInvoicing(this IServiceCollection services)
    {
        services.AddOptions<InvoicingOptions>()
            .BindConfiguration(InvoicingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
