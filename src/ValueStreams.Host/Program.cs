using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Data;
using ValueStreams.Data.Identity;
using ValueStreams.Data.Migrations;
using ValueStreams.Data.ServiceLevels;
using ValueStreams.Data.Store;
using ValueStreams.Designer;
using ValueStreams.Designer.Shared;
using ValueStreams.Engine.Storage;
using ValueStreams.Host.Components;
using ValueStreams.Host.Features.Administration;
using ValueStreams.Host.Features.Analytics;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Catalogue;
using ValueStreams.Host.Features.Records;
using ValueStreams.Host.Features.Definitions;
using ValueStreams.Host.Features.Errors;
using ValueStreams.Host.Features.Health;
using ValueStreams.Host.Features.Instances;
using ValueStreams.Host.Features.Notifications;
using ValueStreams.Host.Features.Outbound;
using ValueStreams.Host.Features.Security;
using ValueStreams.Host.Features.ServiceLevels;
using ValueStreams.Host.Features.Tasks;
using ValueStreams.Engine.Expressions;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Steps;
using ValueStreams.Host.Hosting;
using ValueStreams.Scheduling.Hosting;
using ValueStreams.Core.Identity;

var builder = WebApplication.CreateBuilder(args);

var productRoot = ProductRoot.Find(builder.Configuration[ProductRoot.SettingName],
    builder.Environment.ContentRootPath, Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
builder.Configuration.AddProductSettings(builder.Environment, productRoot);

var storageOptions = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
storageOptions.ConnectionString ??= builder.Configuration.GetConnectionString(StorageOptions.ConnectionStringName);
var store = StoreLocation.Resolve(storageOptions, productRoot);
var schedulingOptions = builder.Configuration.GetSection(SchedulingOptions.Section).Get<SchedulingOptions>() ?? new SchedulingOptions();
var authOptions = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
authOptions.DemoUsers ??= builder.Configuration.GetValue<bool?>("ValueStreams:DemoUsers");
var forwardedHeaders = builder.Configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new ForwardedHeadersSettings();
var forwardedHeadersOptions = forwardedHeaders.ToOptions();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

builder.Services.AddSingleton(store);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(ItilCatalogue.Default);
builder.Services.AddSingleton(new ProductFolders(productRoot));
builder.Services.AddSingleton<ValueStreamValidator>();
builder.Services.AddScoped<ValueStreamLibrary>();
builder.Services.AddScoped<ShippedStreams>();
builder.Services.AddSingleton(builder.Configuration.GetSection("ValueStreams:Expressions").Get<ExpressionLimits>() ?? new ExpressionLimits());
builder.Services.AddSingleton<IExpressionEvaluator, JintExpressionEvaluator>();
builder.Services.AddSingleton(builder.Configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions());
StepBehaviours.EnsureEveryStepTypeHasOne();
builder.Services.AddSingleton<Interpreter>();
builder.Services.AddSingleton<WorkflowEngine>();
builder.Services.AddTransient<OutboxJobRunner>();
builder.Services.AddSingleton(builder.Configuration.GetSection(InstanceDataLimits.Section).Get<InstanceDataLimits>() ?? new InstanceDataLimits());
var requestLimits = builder.Configuration.GetSection(RequestLimits.Section).Get<RequestLimits>() ?? new RequestLimits();
builder.Services.AddSingleton(requestLimits);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = requestLimits.MaxRequestBytes);
var outbound = new OutboundCalls(builder.Configuration.GetSection(OutboundOptions.Section).Get<OutboundOptions>() ?? new OutboundOptions());
builder.Services.AddSingleton(outbound);
builder.Services.AddHttpClient<HttpStepRunner>().ConfigurePrimaryHttpMessageHandler(outbound.Handler);
builder.Services.AddHttpClient("webhooks").ConfigurePrimaryHttpMessageHandler(outbound.Handler);
builder.Services.AddSingleton(builder.Configuration.GetSection(MailOptions.Section).Get<MailOptions>() ?? new MailOptions());
builder.Services.AddSingleton(builder.Configuration.GetSection(TaskOptions.Section).Get<TaskOptions>() ?? new TaskOptions());
builder.Services.AddTransient<IPeopleNotifier, PeopleNotifier>();
builder.Services.AddSingleton(builder.Configuration.GetSection("ValueStreams:Records").Get<ValueStreams.Core.Records.RecordSettings>() ?? new ValueStreams.Core.Records.RecordSettings());
builder.Services.AddSingleton(builder.Configuration.GetSection("ValueStreams:Records").Get<ValueStreams.Core.Records.MonitoringEvents.EventPolicySettings>()
    ?? new ValueStreams.Core.Records.MonitoringEvents.EventPolicySettings());
builder.Services.AddSingleton<ValueStreams.Core.Records.IRecordPolicy, ValueStreams.Core.Records.MonitoringEvents.EventPolicies>();
builder.Services.AddValueStreamsData(store.Provider, store.ConnectionString);
builder.Services.AddValueStreamsScheduling(store.Provider, store.SchedulerLocation, schedulingOptions);
builder.Services.AddValueStreamsAuth(authOptions);
builder.Services.AddScoped<PeopleAdministration>();
builder.Services.AddScoped<ValueStreams.Designer.Administration.IAdministration, AdministrationAdapter>();
builder.Services.AddValueStreamsOidc(builder.Configuration);
builder.Services.AddValueStreamsHealth();
builder.Services.AddValueStreamsDesigner();
builder.Services.AddScoped<ValueStreams.Designer.Inbox.IInbox, ValueStreams.Host.Features.Inbox.InboxAdapter>();
builder.Services.AddScoped<ValueStreams.Designer.Designer.IValueStreamWorkbench, ValueStreams.Host.Features.DesignerWorkbench.WorkbenchAdapter>();
builder.Services.AddSingleton<ValueStreams.Host.Features.Instances.InstanceList>();
builder.Services.AddSingleton<ValueStreams.Host.Features.Instances.InstanceControls>();
builder.Services.AddScoped<ValueStreams.Designer.Instances.IInstanceDesk, ValueStreams.Host.Features.Instances.InstanceDeskAdapter>();
builder.Services.AddScoped<ValueStreams.Host.Features.Portal.RequestPortal>();
builder.Services.AddScoped<ValueStreams.Designer.Portal.IPortal, ValueStreams.Host.Features.Portal.PortalAdapter>();
builder.Services.AddSingleton<RecordService>();
builder.Services.AddScoped<ValueStreams.Designer.Records.IRecordDesk, RecordDeskAdapter>();
builder.Services.AddScoped<ValueStreams.Designer.ServiceLevels.IServiceLevelAdministration, ServiceLevelAdministrationAdapter>();
builder.Services.AddSingleton<ServiceLevelReporting>();
builder.Services.AddScoped<ValueStreams.Designer.ServiceLevels.IServiceLevelReport, ServiceLevelReportAdapter>();
builder.Services.AddScoped<ValueStreams.Designer.Records.IChangeSchedule, ChangeScheduleAdapter>();
builder.Services.AddSingleton<ValueStreams.Host.Features.Analytics.StreamAnalyticsService>();
builder.Services.AddScoped<ValueStreams.Designer.Analytics.IStreamAnalytics, ValueStreams.Host.Features.Analytics.AnalyticsAdapter>();
builder.Services.AddScoped<ValueStreams.Designer.Records.IConfigurationItemDesk, ValueStreams.Host.Features.Records.ConfigurationItems.ConfigurationItemDeskAdapter>();

PrivateFiles.Prepare(store);
var keyRingProtection = builder.Services.AddDataProtection().SetApplicationName("ValueStreams").ProtectKeys(
    builder.Configuration.GetSection(KeyRingProtectionSettings.Section).Get<KeyRingProtectionSettings>() ?? new KeyRingProtectionSettings(),
    store.DataDirectory);
builder.Services.AddOptions<KeyManagementOptions>().Configure<KeyRingRepository>((options, keys) =>
    options.XmlRepository = new StoredKeyRing(keys, Path.Combine(store.DataDirectory, "keys")));

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
// Unreadable bodies raise an exception the handler above turns into a 400 that names the problem.
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.Configure<JsonOptions>(options => options.SerializerOptions.MaxDepth = 64);
builder.Services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecurityTransformer>());
builder.Services.AddRazorComponents().AddInteractiveServerComponents()
    // The default 32 KB message limit dropped the connection (and the text) when a long text was pasted: a field may hold
    // FormRules.DefaultMaxLength characters of up to 3 UTF-8 bytes each, so the limit leaves room for that and more.
    .AddHubOptions(options => options.MaximumReceiveMessageSize = BlazorMessageLimit);
builder.Services.AddCascadingAuthenticationState();

// Demo sign-ins (password "demo") exist only where someone asked for them: never in production by accident.
var demoUsers = authOptions.DemoUsers ?? builder.Environment.IsDevelopment();
builder.Services.AddSingleton(demoUsers
    ? new LoginHints(DemoUsers.Members.Select(m => m.Username).ToList(), DemoUsers.Password)
    : new LoginHints([], null));

var app = builder.Build();

await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
    if (CreateAdminCommand.IsRequested(args))
        return await CreateAdminCommand.RunAsync(args, app.Services, Console.Out, Console.Error);
    // Nodes starting together seed once: the second finds the users and streams already there.
    await scope.ServiceProvider.GetRequiredService<ConnectionFactory>().RunExclusivelyAsync(StartupSeedLock, async () =>
    {
        if (scope.ServiceProvider.GetRequiredService<KeyRingRepository>().RemoveUnencrypted() is > 0 and var removed)
            app.Logger.LogWarning("Removed {Count} sign-in keys stored unencrypted; users signed in before sign in again", removed);
        if (demoUsers)
            await scope.ServiceProvider.GetRequiredService<DemoUsers>().EnsureAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<FirstAdmin>().ApplyAsync(
            builder.Configuration.GetSection(BootstrapOptions.Section).Get<BootstrapOptions>() ?? new BootstrapOptions(), CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<ShippedStreams>().ImportIfEmptyAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<ServiceLevelRepository>().SeedIfEmptyAsync(CancellationToken.None);
        // The first key of the key ring is made here, under the lock, so nodes starting together share one key.
        scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector("ValueStreams.Startup").Protect("ready");
    });
}

app.Logger.LogInformation("Sign-in keys are stored encrypted with {KeyRingProtection}", keyRingProtection);
SchedulingServiceCollectionExtensions.ScheduleRecurringJobs(app.Services.GetRequiredService<IRecurringJobManager>());

if (forwardedHeaders.Enabled)
    app.UseForwardedHeaders(forwardedHeadersOptions);
app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment())
    app.UseHsts();
app.UseExceptionHandler();
app.UseStatusAnswers();
app.UseSameOriginGuard();
app.UseAuthentication();
app.UseMiddleware<SessionCheck>();
app.UseAuthorization();
// After authorization, so bodies are read (and bounded, and checked for invalid text) only for callers who may send them.
app.UseMiddleware<RequestBodyGuard>();
app.UseAntiforgery();

app.MapStaticAssets().WithAccess(Access.Anonymous);
app.MapHealthEndpoints();
app.MapOpenApi().WithAccess(Access.Anonymous);
// The reference shows this API only: no vendor toolbar (its "Deploy" button) and no vendor AI chat ("Ask AI").
app.MapScalarApiReference(options => options.WithTitle("ValueStreams API").HideDeveloperTools().DisableAgent()).WithAccess(Access.Anonymous);
app.MapAuthEndpoints();
app.MapOidcEndpoints();

// Every endpoint and page declares who may call it (Features/Access); API endpoints need a signed-in caller besides.
var api = app.MapGroup("/api").RequireAuthorization();
api.MapCatalogueEndpoints();
api.MapDefinitionEndpoints();
api.MapInstanceEndpoints();
api.MapTaskEndpoints();
api.MapAdministrationEndpoints();
api.MapRecordEndpoints();
api.MapAnalyticsEndpoints();
api.MapServiceLevelEndpoints();
api.MapServiceLevelReportEndpoints();

app.MapHangfireDashboard("/hangfire", new DashboardOptions
    {
        Authorization = [new AdminOnlyDashboardFilter()],
        DashboardTitle = "ValueStreams jobs",
        AppPath = "/",
    })
    .WithAccess(Access.Admin);

app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode()
    .AddAdditionalAssemblies(typeof(DesignerServiceCollectionExtensions).Assembly)
    .WithFrameworkAccess(Access.SignedIn);

app.EnsureEveryEndpointHasARule();
await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the API tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program
{
    private const long StartupSeedLock = 0x56_53_53_45_45_44; // "VSSEED"
    private const long BlazorMessageLimit = 4 * 1024 * 1024;
}
