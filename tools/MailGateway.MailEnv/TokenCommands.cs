using MailGateway.Testing;

namespace MailGateway.MailEnv;

internal static class TokenCommands
{
    public static int Dev(CommandLine args)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var claim in args.GetAll("claim"))
        {
            var eq = claim.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new ArgumentException($"--claim expects name=value, got '{claim}'");
            claims[claim[..eq]] = claim[(eq + 1)..];
        }
        var roles = args.GetAll("roles");
        var amr = args.GetAll("amr");
        Console.WriteLine(DevTokens.Create(
            args.Required("key"),
            args.Required("sub"),
            args.Get("scopes") ?? DevTokens.AllScopes,
            roles.Count > 0 ? roles : null,
            amr.Count > 0 ? amr : null,
            TimeSpan.FromMinutes(args.GetInt("minutes", 12 * 60)),
            args.Get("issuer") ?? "mailgateway-dev",
            args.Get("audience") ?? "mailgateway",
            claims.Count > 0 ? claims : null));
        return 0;
    }

    public static int Imap(CommandLine args)
    {
        var keyFile = Path.Combine(Path.GetFullPath(args.Get("dir") ?? ".mailenv"), "oauth2", "signing.key");
        if (!File.Exists(keyFile))
            throw new InvalidOperationException($"{keyFile} does not exist: run 'mailenv up' first.");
        var key = Convert.FromBase64String(File.ReadAllText(keyFile).Trim());
        Console.WriteLine(MailEnvironment.MintImapOAuthToken(key, args.Required("user"), TimeSpan.FromMinutes(args.GetInt("minutes", 60))));
        return 0;
    }
}
