using System.Text.RegularExpressions;
using Microsoft.Net.Http.Headers;

namespace MailGateway.Api.Messages;

/// <summary>
/// Streams a <see cref="MessageDownload"/> to the response while its session lease is held, then gives the
/// lease back. Headers come only from sanitized values: the content type is rebuilt from its parsed type and
/// charset, the file name goes through RFC 6266 <c>filename*</c> encoding, so nothing from the message can
/// inject a header. Bodies are served as downloads with <c>nosniff</c> and a sandbox CSP.
/// </summary>
internal sealed partial class DownloadResult(MessageDownload download, string? contentTypeOverride, string fallbackFileName) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        try
        {
            var part = download.Part;
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = contentTypeOverride ?? SafeContentType(part.ContentType);
            if (part.Length is { } length) response.ContentLength = length;
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(SafeFileName(part.FileName, fallbackFileName));
            response.Headers.ContentDisposition = disposition.ToString();
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
            await part.WriteToAsync(response.Body, httpContext.RequestAborted);
        }
        finally
        {
            await download.DisposeAsync();
        }
    }

    /// <summary><c>type/subtype</c> (and a token charset) from the part, else <c>application/octet-stream</c>.</summary>
    internal static string SafeContentType(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            || !Token().IsMatch(parsed.Type.Value ?? "") || !Token().IsMatch(parsed.SubType.Value ?? ""))
            return "application/octet-stream";
        var result = $"{parsed.Type.Value}/{parsed.SubType.Value}".ToLowerInvariant();
        var charset = parsed.Charset.Value?.Trim('"');
        return charset is not null && Token().IsMatch(charset) ? $"{result}; charset={charset}" : result;
    }

    /// <summary>The last path segment of the name, without control characters or quotes, at most 200 characters.</summary>
    internal static string SafeFileName(string? fileName, string fallback)
    {
        var name = (fileName ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        name = new string(name.Where(c => !char.IsControl(c) && c is not '"' and not '\u2028' and not '\u2029').ToArray()).Trim().Trim('.');
        if (name.Length > 200) name = name[..(char.IsHighSurrogate(name[199]) ? 199 : 200)];
        return name.Length == 0 ? fallback : name;
    }

    [GeneratedRegex("^[A-Za-z0-9!#$&^_.+-]{1,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
