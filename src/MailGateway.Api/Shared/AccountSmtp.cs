using MailGateway.Imap;
using MailGateway.Imap.Smtp;

namespace MailGateway.Api.Shared;

/// <summary>An account's submission server as stored. <see cref="ProtectedSecret"/>: credentials of its own (Data Protection
/// ciphertext of a password, or of an OAuth grant when <see cref="Mechanism"/> is XOAUTH2/OAUTHBEARER); null = the IMAP
/// credentials (password or the same OAuth token sources). <see cref="Stamp"/> changes whenever the smtp block is set.</summary>
public sealed record AccountSmtp(string Host, int Port, SmtpSecurity Security, string? Username, string? ProtectedSecret,
    ImapAuthMechanism Mechanism = ImapAuthMechanism.Password, string? Stamp = null);
