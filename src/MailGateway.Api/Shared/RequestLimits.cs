namespace MailGateway.Api.Shared;

/// <summary>The request body cap the host sets in Kestrel; endpoints may lower it, never raise it.</summary>
internal static class RequestLimits
{
    /// <summary>Default request body cap (bytes) when <c>Http:MaxRequestBodyBytes</c> is not set.</summary>
    public const long DefaultMaxRequestBodyBytes = 30L * 1024 * 1024;

    /// <summary>The configured request body cap (<c>Http:MaxRequestBodyBytes</c>).</summary>
    public static long MaxRequestBodyBytes(IConfiguration configuration) =>
        configuration.GetValue<long?>("Http:MaxRequestBodyBytes") ?? DefaultMaxRequestBodyBytes;
}
