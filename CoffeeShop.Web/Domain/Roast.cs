namespace CoffeeShop.Web.Domain;

public enum Roast
{
    Light,
    Medium,
    Dark,
}
