using MailGateway.Api.Cluster;
using MailGateway.IntegrationTests.Faults;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.GraphQL;

/// <summary>An operation on a graphql-transport-ws socket always gets an answer: when something below the socket fails
/// in a way no catch names (here the per-user operation budget throws an exception that is neither Redis's nor a
/// timeout, or a cancellation that is not the operation's own), the operation ends with an <c>internal_error</c> result instead of never answering, and the socket keeps
/// serving the next operations.</summary>
public sealed class GraphQLSocketFailureTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("defect")]
    [InlineData("foreign cancellation")]
    public async Task An_unexpected_failure_answers_internal_error_and_the_socket_stays_usable(string failure)
    {
        var windows = new FailingOnceRateWindows(failure == "defect"
            ? new InvalidOperationException("A defect below the socket.")
            : new OperationCanceledException("A timeout below the socket, not the operation's cancellation."));
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.ConfigureServices = services => services.AddSingleton<IRateWindows>(windows);
        });
        await using var socket = await GraphQLSocket.ConnectAsync(app, cancellationToken: _ct);
        await socket.InitAsync(app.CreateToken("graphql-socket-failure"), _ct);
        await socket.ExpectAsync("connection_ack", _ct);

        await socket.SendAsync(new { id = "broken", type = "subscribe", payload = new { query = "{ me { isAdmin } }" } }, _ct);
        var answer = await RedisFreezeRealtimeTests.ExpectResultAsync(socket, "broken", _ct);
        Assert.Equal(["internal_error"], RedisFreezeRealtimeTests.ErrorCodes(answer));
        Assert.Equal(1, windows.Failures);

        await socket.SendAsync(new { id = "next", type = "subscribe", payload = new { query = "{ me { isAdmin } }" } }, _ct);
        var next = await RedisFreezeRealtimeTests.ExpectResultAsync(socket, "next", _ct);
        Assert.Empty(RedisFreezeRealtimeTests.ErrorCodes(next));
        Assert.False(next.GetProperty("payload").GetProperty("data").GetProperty("me").GetProperty("isAdmin").GetBoolean());
    }

    /// <summary>Throws <paramref name="failure"/> on the first GraphQL operation permit, grants everything else.</summary>
    private sealed class FailingOnceRateWindows(Exception failure) : IRateWindows
    {
        private int _failures;

        public int Failures => Volatile.Read(ref _failures);

        public ValueTask<TimeSpan?> TryTakeAsync(RateWindowKey key, CancellationToken cancellationToken) =>
            key.Policy == "graphql" && Interlocked.CompareExchange(ref _failures, 1, 0) == 0
                ? throw failure
                : ValueTask.FromResult<TimeSpan?>(null);
    }
}
