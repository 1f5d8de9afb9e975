using MailGateway.Api.Accounts;
using MailGateway.Api.Changes;
using MailGateway.Api.Cluster;
using MailGateway.Api.Events;
using MailGateway.Api.GraphQL;
using MailGateway.Api.Hosting;
using MailGateway.Api.Mailboxes;
using MailGateway.Api.Messages;
using MailGateway.Api.Security;
using MailGateway.Api.Sending;
using MailGateway.Api.Storage;
using MailGateway.Api.Webhooks;

var builder = WebApplication.CreateBuilder(args);

builder.AddGatewayHosting();   // auth, problem details, health, metrics, OpenAPI, Redis, Data Protection
builder.AddImapPool();         // the one door to IMAP (section Imap)
builder.AddAccounts();
builder.AddImapOAuth();        // OAuth2 to IMAP: refresh-token clients and on-behalf-of tokens
builder.AddMailboxes();
builder.AddMessages();
builder.AddChanges();
builder.AddMailWatching();     // IMAP IDLE/NOTIFY/poll watchers (section Events)
builder.AddMailEvents();       // event pipeline, watch supervisor, SignalR hub
builder.AddCluster();          // instance heartbeat, balanced watch ownership, cluster-wide IMAP budget
builder.AddWebhooks();
builder.AddSending();           // SMTP submission through a durable outbox
builder.AddGraphQLApi();

var app = builder.Build();
if (args.Contains(RedisKeyMigration.Command)) { await RedisKeyMigration.RunAsync(app); return; } // one-shot, then exit

app.UseGatewayHosting();
app.MapAccountsApi();
app.MapMailboxesApi();
app.MapMessagesApi();
app.MapChangesApi();
app.MapMailEvents();
app.MapClusterApi();
app.MapWebhooksApi();
app.MapSendingApi();
app.MapGraphQLApi();

app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
