using GraphQL;
using GraphQL.DataLoader;
using MailGateway.Api.Mailboxes;
using MailGateway.Api.Messages;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL.Batching;

/// <summary>One message page request: the same mailbox and arguments asked twice are fetched once.</summary>
public sealed record MessagePageKey(string AccountId, string MailboxId, int First, string? After, MessageFilter Filter);

/// <summary>The filter arguments of a message connection (a record, so equal filters are one key).</summary>
public sealed record MessageFilter(
    bool? Unseen = null, bool? Flagged = null, string? From = null, string? To = null, string? Subject = null, string? Text = null,
    DateTimeOffset? Since = null, DateTimeOffset? Before = null, bool? HasAttachment = null, string? Keyword = null)
{
    public MessageQuery ToQuery(int limit) => new()
    {
        Limit = limit, Unseen = Unseen, Flagged = Flagged, From = From, To = To, Subject = Subject, Text = Text,
        Since = Since, Before = Before, HasAttachment = HasAttachment, Keyword = Keyword,
    };
}

/// <summary>
/// The operation's batch loaders (scoped: one set per GraphQL operation). Mailbox lists are fetched once per
/// account, all accounts in parallel; message pages are grouped per account and fetched one after another on
/// one lease of that account (one pooled connection, one gate permit: <see cref="MessageService.ListManyAsync"/>),
/// accounts in parallel.
/// Both go through the same services as REST.
/// </summary>
internal sealed class GraphQLLoaders
{
    private readonly BatchLoader<string, IReadOnlyList<MailboxDto>> _mailboxes;
    private readonly BatchLoader<MessagePageKey, MessageListResult> _messages;
    private Caller? _caller;

    public GraphQLLoaders(MailboxService mailboxes, MessageService messages)
    {
        _mailboxes = new((accountIds, ct) => BatchResults.EachAsync(accountIds,
            accountId => mailboxes.ListAsync(CallerOrThrow(), accountId, ct)));
        _messages = new((keys, ct) => LoadPagesAsync(messages, keys, ct));
    }

    public IDataLoaderResult<IReadOnlyList<MailboxDto>> Mailboxes(IResolveFieldContext context, string accountId)
    {
        _caller ??= context.RequireMailRead();
        return _mailboxes.Load(accountId);
    }

    public IDataLoaderResult<MessageListResult> Messages(IResolveFieldContext context, MessagePageKey key)
    {
        _caller ??= context.RequireMailRead();
        return _messages.Load(key);
    }

    private Caller CallerOrThrow() => _caller ?? throw new InvalidOperationException("A loader ran before any field asked for it.");

    private async Task<IReadOnlyDictionary<MessagePageKey, Task<MessageListResult>>> LoadPagesAsync(
        MessageService service, IReadOnlyList<MessagePageKey> keys, CancellationToken cancellationToken)
    {
        var caller = CallerOrThrow();
        var perAccount = await Task.WhenAll(keys.GroupBy(k => k.AccountId).Select(async group =>
        {
            var pages = group.ToList();
            IReadOnlyList<Task<MessageListResult>> results;
            try
            {
                results = await service.ListManyAsync(caller, group.Key,
                    [.. pages.Select(k => new MessagePageRequest(k.MailboxId, k.Filter.ToQuery(k.First), k.After))], cancellationToken);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The account could not be opened: every page of it fails the same way, for the field that asked.
                results = [.. pages.Select(_ => Task.FromException<MessageListResult>(e))];
            }
            return pages.Select((key, i) => new KeyValuePair<MessagePageKey, Task<MessageListResult>>(key, results[i])).ToList();
        }));
        return perAccount.SelectMany(r => r).ToDictionary(r => r.Key, r => r.Value);
    }
}
