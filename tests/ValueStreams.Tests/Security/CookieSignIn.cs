using System.Text.RegularExpressions;

namespace ValueStreams.Tests.Security;

/// <summary>Signs a client in the way a browser does: the login page's form, with its antiforgery token, sets the cookie.</summary>
internal static partial class CookieSignIn
{
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string username, string password = "demo")
    {
        var page = await client.GetStringAsync("/login");
        var token = AntiforgeryToken().Match(page);
        Assert.True(token.Success, "the login page has no antiforgery token");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token.Groups[1].Value),
            ["username"] = username,
            ["password"] = password,
            ["returnUrl"] = "/",
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
