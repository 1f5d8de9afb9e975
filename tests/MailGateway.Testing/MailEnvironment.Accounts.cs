namespace MailGateway.Testing;

public sealed partial class MailEnvironment
{
    /// <summary>
    /// Changes the IMAP password of <paramref name="user"/> (null = back to <see cref="PasswordOf"/>); effective for
    /// logins after this returns. Sessions that are already logged in stay open.
    /// </summary>
    /// <remarks>
    /// Dovecot notices a changed passwd-file by mtime (whole seconds) or size, checked at most once per second, so this
    /// moves the mtime on when needed and waits a little over a second.
    /// </remarks>
    public async Task SetPasswordAsync(string user, string? password, CancellationToken ct = default)
    {
        user = user.ToLowerInvariant();
        var path = Path.Combine(Directory, "users.passwd");
        lock (_passwords)
        {
            var before = File.GetLastWriteTimeUtc(path);
            if (password is null)
                _passwords.Remove(user);
            else
                _passwords[user] = password;
            WriteUsers();
            if (File.GetLastWriteTimeUtc(path).Ticks / TimeSpan.TicksPerSecond <= before.Ticks / TimeSpan.TicksPerSecond)
                File.SetLastWriteTimeUtc(path, before.AddSeconds(1));
        }
        await Task.Delay(TimeSpan.FromMilliseconds(1100), ct).ConfigureAwait(false);
    }

    /// <summary>The password <paramref name="user"/> has now (see <see cref="SetPasswordAsync"/>).</summary>
    public string CurrentPasswordOf(string user)
    {
        lock (_passwords)
            return _passwords.GetValueOrDefault(user.ToLowerInvariant()) ?? PasswordOf(user);
    }

    /// <summary>
    /// The JSON body of <c>POST /api/v1/accounts</c> that registers <paramref name="user"/> of this server:
    /// implicit TLS on <see cref="ImapsPort"/>, or STARTTLS on <see cref="ImapPort"/> with <c>security: "starttls"</c>.
    /// </summary>
    public object RegistrationBody(string user, string security = "tls", string? password = null) => new
    {
        displayName = $"{user} (mailenv)",
        email = $"{user}@mailenv.test",
        imap = new
        {
            host = Host,
            port = security == "tls" ? ImapsPort : ImapPort,
            security,
            username = user,
            password = password ?? CurrentPasswordOf(user),
        },
    };

    private void WriteUsers()
    {
        var path = Path.Combine(Directory, "users.passwd");
        DovecotConfig.WriteUsers(path, DovecotConfig.Users(_options.ExtraUsers), _passwords);
        ServerProcess.ChownTree(path, _account);
    }
}
