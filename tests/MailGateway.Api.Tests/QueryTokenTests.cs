using MailGateway.Api.Hosting;
using Microsoft.AspNetCore.Http;

namespace MailGateway.Api.Tests;

public class QueryTokenTests
{
    [Theory]
    [InlineData("/hubs/mail", false, true)]
    [InlineData("/hubs/mail/negotiate", false, true)]
    [InlineData("/graphql", true, true)]
    [InlineData("/graphql", false, false)]
    [InlineData("/api/v1/accounts", false, false)]
    [InlineData("/api/v1/accounts", true, false)]
    public void Access_token_query_is_accepted_only_for_hubs_and_graphql_websockets(string path, bool webSocket, bool accepted)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        if (webSocket)
            context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpWebSocketFeature>(new WebSocketFeature());
        Assert.Equal(accepted, AuthExtensions.AcceptsQueryToken(context));
    }

    private sealed class WebSocketFeature : Microsoft.AspNetCore.Http.Features.IHttpWebSocketFeature
    {
        public bool IsWebSocketRequest => true;
        public Task<System.Net.WebSockets.WebSocket> AcceptAsync(WebSocketAcceptContext context) => throw new NotSupportedException();
    }
}
