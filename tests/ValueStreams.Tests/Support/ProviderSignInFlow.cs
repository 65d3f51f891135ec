using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using ValueStreams.TestIdentityProvider;

namespace ValueStreams.Tests.Support;

/// <summary>
/// Signs in through the test identity provider as a browser would: follows the redirects between the service and
/// the provider, each with its own cookies, and posts the provider's sign-in form.
/// </summary>
public static partial class ProviderSignInFlow
{
    /// <summary>The service's client, holding whatever cookie the sign-in left, and where the sign-in landed on the service.</summary>
    public sealed record Outcome(HttpClient Service, string Landed);

    private static readonly Uri Service = new("https://localhost/");

    public static async Task<Outcome> SignInAsync(ApiHost host, LoopbackIdentityProvider provider,
        string username, string password, string returnUrl = "/inbox")
    {
        var service = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = Service });
        using var browserAtProvider = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });

        var at = new Uri(Service, $"/account/login/oidc?returnUrl={Uri.EscapeDataString(returnUrl)}");
        var response = await service.GetAsync(at);
        for (var hop = 0; hop < 12; hop++)
        {
            if (response.StatusCode == HttpStatusCode.OK && IsProvider(at, provider) && at.AbsolutePath == "/login")
            {
                var html = await response.Content.ReadAsStringAsync();
                var back = WebUtility.HtmlDecode(ReturnUrlField().Match(html).Groups[1].Value);
                at = new Uri(provider.Authority, "/login");
                response = await browserAtProvider.PostAsync(at, new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["username"] = username, ["password"] = password, ["returnUrl"] = back,
                }));
                continue;
            }

            Assert.True(response.Headers.Location is not null,
                $"The sign-in stopped at {at} with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            at = new Uri(at, response.Headers.Location);
            if (IsProvider(at, provider))
                response = await browserAtProvider.GetAsync(at);
            else if (at.AbsolutePath is "/signin-oidc" or "/account/login/oidc")
                response = await service.GetAsync(at);
            else
                return new Outcome(service, at.PathAndQuery);
        }
        throw new InvalidOperationException($"The sign-in went round in circles; last at {at}.");
    }

    private static bool IsProvider(Uri at, LoopbackIdentityProvider provider) =>
        string.Equals(at.Authority, provider.Authority.Authority, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();
}
