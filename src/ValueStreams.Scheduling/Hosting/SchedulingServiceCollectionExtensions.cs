using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Storage;
using ValueStreams.Scheduling.Engine;
using ValueStreams.Scheduling.WakeUps;

namespace ValueStreams.Scheduling.Hosting;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the recurring jobs: the reconciler that re-sends outbox jobs a crash left behind, and the
    /// mailer that emails new-task notifications; both every minute.
    /// </summary>
    public static void ScheduleRecurringJobs(IRecurringJobManager recurring)
    {
        recurring.AddOrUpdate<EngineJobs>(EngineJobs.ReconcilerId, jobs => jobs.ReconcileAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<EngineJobs>(EngineJobs.MailerId, jobs => jobs.EmailNotificationsAsync(CancellationToken.None), Cron.Minutely());
    }

    /// <summary>
    /// Registers Hangfire on the provider's storage: a SQLite file beside the embedded store, or the
    /// <c>hangfire</c> schema of the PostgreSQL database. Starts a server unless <see cref="SchedulingOptions.RunServer"/> is off.
    /// </summary>
    public static IServiceCollection AddValueStreamsScheduling(
        this IServiceCollection services, StorageProvider provider, string storageLocation, SchedulingOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<IJobDispatcher, HangfireJobDispatcher>();
        services.AddTransient<EngineJobs>();
        services.AddHangfire(configuration =>
        {
            configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();

            if (provider == StorageProvider.PostgreSql)
            {
                configuration.UsePostgreSqlStorage(
                    bootstrap => bootstrap.UseNpgsqlConnection(storageLocation),
                    new PostgreSqlStorageOptions
                    {
                        SchemaName = "hangfire",
                        PrepareSchemaIfNecessary = true,
                        QueuePollInterval = options.QueuePollInterval,
                        EnableLongPolling = true,
                        // A node that dies holding the schedule poller's lock would otherwise stop every
                        // node's timers for 10 minutes, and the jobs it had fetched would wait 30.
                        DistributedLockTimeout = TimeSpan.FromMinutes(1),
                        UseSlidingInvisibilityTimeout = true,
                        InvisibilityTimeout = TimeSpan.FromMinutes(1),
                    });
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(storageLocation))!);
                configuration.UseSQLiteStorage(storageLocation, new SQLiteStorageOptions
                {
                    QueuePollInterval = options.QueuePollInterval,
                });
            }
        });

        if (options.RunServer)
        {
            services.AddSingleton<WakeUpClock>();
            services.AddHostedService(provider => provider.GetRequiredService<WakeUpClock>());
            services.AddHangfireServer(server =>
            {
                server.SchedulePollingInterval = options.SchedulePollingInterval;
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
                if (options.WorkerCount > 0)
                    server.WorkerCount = options.WorkerCount;
            });
        }
        return services;
    }
}
