namespace MailGateway.Testing;

/// <summary>The dovecot.conf additions for Postfix (README.md of this project, "Postfix"): LMTP delivery and an auth socket for SASL.
/// Appended after the base config: later settings win, and a repeated <c>service</c> section merges with the first.</summary>
internal static class DovecotLmtpConfig
{
    public static string Render(string dir) => $$"""

        # Added by MailEnvironment.Postfix: Postfix submits through SASL here and delivers over LMTP.
        protocols = imap lmtp
        postmaster_address = postmaster@example.org
        recipient_delimiter = +
        lmtp_save_to_detail_mailbox = yes
        protocol lmtp {
          # user2@example.org -> user "user2"
          auth_username_format = %Ln
        }
        # LMTP's userdb lookup is a passdb lookup without a mechanism, which the base passdbs (limited to their
        # mechanisms) skip: "All password databases were skipped". This one, unrestricted, answers it; a login that
        # failed above fails here too.
        passdb {
          driver = passwd-file
          args = scheme=PLAIN username_format=%Lu {{dir}}/users.passwd
        }
        service lmtp {
          unix_listener lmtp {
            mode = 0666
          }
        }
        service auth {
          # The master is not root, so the listener cannot be given to postfix: world-accessible instead.
          unix_listener auth-postfix {
            mode = 0666
          }
        }

        """;
}
