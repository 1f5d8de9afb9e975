using System.ComponentModel.DataAnnotations;

namespace MailGateway.Api.GraphQL;

/// <summary>Limits and switches of the GraphQL endpoint (section <c>GraphQL</c>).</summary>
public sealed class GraphQLApiOptions
{
    public const string Section = "GraphQL";

    /// <summary>Whether <c>__schema</c>/<c>__type</c> are answered. Unset: true in Development only.</summary>
    public bool? EnableIntrospection { get; set; }

    /// <summary>Deepest selection nesting a document may have.</summary>
    [Range(2, 100)]
    public int MaxDepth { get; set; } = 15;

    /// <summary>Largest estimated cost: every field counts, multiplied by the sizes of the lists around it (<c>first</c> for
    /// connections, 5 for other lists). <c>accounts { mailboxes { messages(first: 20) { edges { node { …5 fields } } } } }</c>
    /// costs about 225,000; with <c>first: 200</c> it is refused.</summary>
    [Range(10, 100_000_000)]
    public int MaxComplexity { get; set; } = 250_000;

    /// <summary>Bytes of whole messages (their RFC 5322 size) one operation may fetch; a <c>message</c> field beyond it
    /// answers <c>message_bytes_exceeded</c>. Default 16 MiB.</summary>
    [Range(1d, 4_294_967_296d)]
    public long MaxMessageBytesPerRequest { get; set; } = 16L * 1024 * 1024;

    /// <summary>Largest page a connection (<c>messages(first:)</c>) may ask for.</summary>
    [Range(1, 1000)]
    public int MaxFirst { get; set; } = 200;

    /// <summary>Largest HTTP body or WebSocket message, in bytes (413 / close 4400 above it).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 64 * 1024;

    /// <summary>GraphQL operations (HTTP requests and WebSocket subscribes) one caller may start per window.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerWindow { get; set; } = 300;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a WebSocket may stay open without <c>connection_init</c> (close 4408).</summary>
    public TimeSpan ConnectionInitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Concurrent operations on one WebSocket.</summary>
    [Range(1, 1000)]
    public int MaxOperationsPerConnection { get; set; } = 50;
}
