using System.Net;
using CoffeeShop.Web.Infrastructure;

namespace CoffeeShop.Web.Tests.Security;

/// <summary>Which window a client address counts in: an IPv4 address, or an IPv6 /64 (a client holds all of it).</summary>
public class RateLimitClientTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:8a2e:370:7334:9", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("fe80::1%2", "fe80::/64")]
    public void ClientKeyOf_GroupsIpv6BySlash64AndKeepsIpv4PerAddress(string address, string expected)
    {
        Assert.Equal(expected, RateLimits.ClientKeyOf(IPAddress.Parse(address)));
    }

    [Fact]
    public void ClientKeyOf_Ipv4AndItsMappedIpv6Form_AreOneClientAndNeighboursAreNot()
    {
        Assert.Equal(RateLimits.ClientKeyOf(IPAddress.Parse("198.51.100.9")), RateLimits.ClientKeyOf(IPAddress.Parse("::ffff:198.51.100.9")));
        Assert.NotEqual(RateLimits.ClientKeyOf(IPAddress.Parse("198.51.100.9")), RateLimits.ClientKeyOf(IPAddress.Parse("198.51.100.10")));
    }
}
