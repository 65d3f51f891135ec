using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ValueStreams.Core.Records;
using ValueStreams.Data.Records;
using ValueStreams.Data.Records.Changes;
using ValueStreams.Data.Audit;
using ValueStreams.Data.Definitions;
using ValueStreams.Data.Identity;
using ValueStreams.Data.Migrations;
using ValueStreams.Data.Notifications;
using ValueStreams.Data.Runtime;
using ValueStreams.Engine.Runtime;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers the connection factory, migrations and repositories for one provider.</summary>
    public static IServiceCollection AddValueStreamsData(this IServiceCollection services, StorageProvider provider, string connectionString)
    {
        DapperSetup.Apply();
        services.AddSingleton(new ConnectionFactory(provider, connectionString));
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<UserRepository>();
        services.AddSingleton<GroupRepository>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<KeyRingRepository>();
        services.AddSingleton<ExternalLoginRepository>();
        services.AddSingleton<ValueStreamRepository>();
        services.AddSingleton<RunSessionFactory>();
        services.AddHostedService<OutboxDispatchService>();
        services.AddSingleton<TaskRepository>();
        services.AddSingleton<NotificationRepository>();
        services.AddSingleton<InstanceQueries>();
        services.AddSingleton<ValueStreams.Data.Analytics.FlowRollups>();
        services.AddHostedService<ValueStreams.Data.Analytics.FlowRollupRefresh>();
        services.AddSingleton<ValueStreams.Data.Analytics.FlowFactsQueries>();
        services.TryAddSingleton(new RecordSettings());
        services.AddSingleton<RecordRepository>();
        services.AddSingleton<RecordLinkRepository>();
        services.AddSingleton<RecordNoteRepository>();
        services.AddSingleton<ServiceLevels.ServiceLevelRepository>();
        services.AddSingleton<ServiceLevels.ServiceLevelReportQueries>();
        services.AddSingleton<IServiceLevelPolicies>(sp => sp.GetRequiredService<ServiceLevels.ServiceLevelRepository>());
        services.AddSingleton<ServiceLevels.ServiceLevelPreview>();
        services.AddSingleton<ChangeScheduleRepository>();
        services.AddSingleton<Records.ConfigurationItems.ConfigurationItemRelationships>();
        services.AddSingleton<Records.Assets.AssetStock>();
        services.AddSingleton<InstanceAccess>();
        services.AddSingleton<IServiceLevels, ServiceLevelWatch>();
        services.AddSingleton<IDueItems, DueItemQueries>();
        services.AddSingleton<IRunSessionFactory>(sp => sp.GetRequiredService<RunSessionFactory>());
        services.AddSingleton<IOutbox>(sp => sp.GetRequiredService<RunSessionFactory>());
        return services;
    }
}
