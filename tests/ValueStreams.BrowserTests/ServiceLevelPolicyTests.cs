using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

/// <summary>Admins write SLA policies in the app, told at the field what is wrong, and preview the due times a policy gives.</summary>
public sealed class ServiceLevelPolicyTests(HostProcess host) : BrowserTest(host)
{
    [Fact]
    public async Task An_admin_writes_a_policy_is_told_at_the_field_what_is_wrong_and_previews_a_Friday_afternoon_record_due_on_Monday()
    {
        // A new policy's id sorts after the shipped incident policy's, so incidents elsewhere keep their clocks.
        var id = $"weekend-{Guid.NewGuid():N}"[..16];
        await SignInAsync("admin", path: "/admin/sla-policies");
        await WaitForInteractiveAsync("sla-policies-page");
        await Expect(Page.Locator("[data-testid=policy-table]")).ToContainTextAsync("incident");

        await Page.Locator("[data-testid=new-policy]").ClickAsync();
        await Page.Locator("input[data-testid=policy-id]").FillAsync(id);
        await Page.Locator("input[data-testid=policy-name]").FillAsync("Office-hours incidents");
        await Page.Locator("input[data-testid=target-resolution-P2]").FillAsync("soon");
        await Page.Locator("[data-testid=save-policy]").ClickAsync();
        await Expect(Field("target-resolution-P2")).ToContainTextAsync("Write a target such as");
        await Expect(Page.Locator("[data-testid=policy-table]")).Not.ToContainTextAsync(id);

        // The new policy runs on office hours (08:00-12:00 and 13:00-17:00 UTC, Monday to Friday): a P2 record logged on
        // a Friday at 16:30 has half an hour that day, and its 8 hours end on Monday at 16:30.
        await Page.Locator("input[data-testid=target-resolution-P2]").FillAsync("8 hours");
        await Page.Locator("[data-testid=run-preview]").ClickAsync();
        await Expect(Page.Locator("[data-testid=preview-sentence]")).ToContainTextAsync("A P2 incident logged Fri");
        await Expect(Page.Locator("[data-testid=preview-sentence]")).ToContainTextAsync("16:30 UTC");
        var resolution = Page.Locator("[data-testid=preview-due][data-clock=resolution]");
        await Expect(resolution).ToContainTextAsync("Mon");
        await Expect(resolution).ToContainTextAsync("16:30 UTC");
        await Expect(resolution).ToContainTextAsync("8 hours on office-hours");
        await Expect(Page.Locator("[data-testid=preview-due][data-clock=response]")).ToContainTextAsync("08:30 UTC");

        await Page.Locator("[data-testid=save-policy]").ClickAsync();
        await Expect(Page.Locator("[data-testid=policy-table]")).ToContainTextAsync(id);
        await Expect(Page.Locator("[data-testid=policy-message]")).ToHaveCountAsync(0);
        await AssertNoBlockingViolationsAsync("SLA policies page");
        await WholePageScreenshotAsync("sla-policies.png");
    }

    private ILocator Field(string testId) => Page.Locator($".mud-input-control:has([data-testid={testId}])");
}
