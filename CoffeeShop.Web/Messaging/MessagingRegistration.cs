using CoffeeShop.Web.Infrastructure;

namespace CoffeeShop.Web.Messaging;

public static class MessagingRegistration
{
    /// <summary>Transactional email: the outbox the features write to, its dispatcher on every instance, the templates and MailKit.</summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services)
    {
        services.AddOptions<EmailOptions>()
            .BindConfiguration(EmailOptions.Section)
            .ValidateProblems<EmailOptions, IHostEnvironment>(EmailOptions.Problems)
            .ValidateOnStart();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<MessageComposer>();
        services.AddSingleton<SampleLetters>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }
}
