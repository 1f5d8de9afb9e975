using System.Globalization;

namespace MailGateway.MailEnv;

/// <summary>"--name value" and "--flag" arguments; a name may repeat.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public static CommandLine Parse(IEnumerable<string> args)
    {
        var line = new CommandLine();
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    line.Add(name[..eq], name[(eq + 1)..]);
                    name = null;
                    continue;
                }
                line.Add(name, null);
            }
            else if (name is not null)
            {
                line._values[name][^1] = arg;
                name = null;
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
        }
        return line;
    }

    private void Add(string name, string? value)
    {
        if (!_values.TryGetValue(name, out var list))
            _values[name] = list = [];
        list.Add(value ?? "");
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Get(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public string Required(string name) =>
        Get(name) is { Length: > 0 } value ? value : throw new ArgumentException($"--{name} is required");

    public int GetInt(string name, int fallback) =>
        Get(name) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>All values of a repeatable option, also comma separated.</summary>
    public IReadOnlyList<string> GetAll(string name) =>
        _values.TryGetValue(name, out var list)
            ? [.. list.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))]
            : [];

    public static int Usage()
    {
        Console.Error.WriteLine("""
            usage:
              mailenv up [--dir DIR] [--messages N] [--user U]... [--large] [--seed S] [--days D] [--no-redis] [--aof]
                         [--imap-port P] [--imaps-port P] [--redis-port P] [--hibernate SECONDS]
                  Starts Dovecot (+ Redis) from DIR (default ./.mailenv, reused if present), seeds each --user
                  (default demo) with N messages if its INBOX is empty, prints one JSON line, runs until Ctrl-C/SIGTERM.
              mailenv token --key K --sub S [--scopes "..."] [--roles a,b] [--amr pwd,mfa] [--minutes N]
                            [--issuer I] [--audience A] [--claim name=value]...
                  Prints a JWT for Authentication:Provider=Development.
              mailenv imap-token --dir DIR --user U [--minutes N]
                  Prints a JWT that the Dovecot in DIR accepts for SASL OAUTHBEARER/XOAUTH2.
            """);
        return 2;
    }
}
