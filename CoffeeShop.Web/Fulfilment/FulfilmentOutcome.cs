namespace CoffeeShop.Web.Fulfilment;

/// <summary>What became of an admin's fulfilment step, and the sentence the admin reads about it.</summary>
public sealed record FulfilmentOutcome(FulfilmentOutcomeKind Kind, string Message)
{
    public bool Applied => Kind == FulfilmentOutcomeKind.Applied;
}
