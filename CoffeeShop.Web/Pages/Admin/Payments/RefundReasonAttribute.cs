using System.ComponentModel.DataAnnotations;
using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Pages.Admin.Payments;

/// <summary>No reason, or one of <see cref="RefundReasons.All"/>: the list the form's select is drawn from.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RefundReasonAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) =>
        value is null || (value is string reason && (reason.Length == 0 || RefundReasons.IsKnown(reason)));
}
