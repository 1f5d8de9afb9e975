namespace MailGateway.Testing;

/// <summary>imapd.conf and cyrus.conf of a private Cyrus 3.6 (facts: README.md of this project, "Cyrus IMAP 3.6").</summary>
internal static class CyrusConfig
{
    public const string ServerName = "cyrusenv";

    public static readonly string[] ConfigSubdirectories =
        ["db", "socket", "proc", "log", "msg", "user", "quota", "sieve", "ptclient", "sync", "lock"];

    /// <summary>imapd.conf; <paramref name="dir"/> is the instance directory (no spaces: cyrus.conf splits cmd= on them).</summary>
    public static string RenderImapd(string dir, string user, string group, int id) => $"""
        configdirectory: {dir}/conf
        partition-default: {dir}/spool
        defaultpartition: default
        servername: {ServerName}
        syslog_prefix: mailenv-cyrus-{id}
        cyrus_user: {user}
        cyrus_group: {group}
        admins: cyrus
        allowplaintext: yes
        sasl_pwcheck_method: auxprop
        sasl_auxprop_plugin: sasldb
        sasl_sasldb_path: {dir}/sasldb2
        sasl_mech_list: PLAIN LOGIN
        failedloginpause: 0
        virtdomains: off
        unixhierarchysep: yes
        altnamespace: yes
        autocreate_quota: 0
        autocreate_inbox_folders: Sent|Drafts|Trash|Archive|Junk
        autocreate_subscribe_folders: Sent|Drafts|Trash|Archive|Junk
        xlist-sent: Sent
        xlist-drafts: Drafts
        xlist-trash: Trash
        xlist-archive: Archive
        xlist-junk: Junk
        reject8bit: yes
        tls_server_cert: {dir}/tls/server-chain.crt
        tls_server_key: {dir}/tls/server.key
        tls_versions: tls1_2 tls1_3

        """;

    /// <summary>cyrus.conf: plain (STARTTLS) and implicit-TLS listeners, and idled so IDLE pushes at once.</summary>
    public static string RenderMaster(string dir, string package, int imapPort, int imapsPort) => $"""
        START {"{"}
          recover cmd="/usr/lib/cyrus/bin/ctl_cyrusdb -C {dir}/imapd.conf -r"
        {"}"}
        SERVICES {"{"}
          imap cmd="{package}/usr/lib/cyrus/bin/imapd -C {dir}/imapd.conf" listen="127.0.0.1:{imapPort}" prefork=1
          imaps cmd="{package}/usr/lib/cyrus/bin/imapd -s -C {dir}/imapd.conf" listen="127.0.0.1:{imapsPort}" prefork=1
        {"}"}
        EVENTS {"{"}
          checkpoint cmd="/usr/lib/cyrus/bin/ctl_cyrusdb -C {dir}/imapd.conf -c" period=30
        {"}"}
        DAEMON {"{"}
          idled cmd="{package}/usr/lib/cyrus/bin/idled -C {dir}/imapd.conf"
        {"}"}

        """;
}
