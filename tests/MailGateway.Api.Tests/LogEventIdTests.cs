using System.Reflection;
using Microsoft.Extensions.Logging;

namespace MailGateway.Api.Tests;

/// <summary>EventIds identify a log line across the project (dashboards and alerts filter on them), so no two
/// [LoggerMessage] methods of the gateway's assemblies may share one. Which file uses which ids: docs/log-event-ids.md.</summary>
public class LogEventIdTests
{
    private static readonly Assembly[] Assemblies =
        [typeof(Program).Assembly, typeof(MailGateway.Imap.IImapSessionPool).Assembly];

    private static IEnumerable<(int Id, string Method)> LogMethods() =>
        from assembly in Assemblies
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select (attribute.EventId, $"{type.FullName}.{method.Name}");

    [Fact]
    public void Every_log_method_has_its_own_event_id()
    {
        var methods = LogMethods().ToList();
        Assert.True(methods.Count > 50, $"only {methods.Count} [LoggerMessage] methods found: the scan is broken");
        var shared = methods.GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}").ToList();
        Assert.True(shared.Count == 0, "EventIds used more than once:\n" + string.Join("\n", shared));
    }
}
