using MailGateway.MailEnv;

// mailenv: the private Dovecot + Redis of the tests, for the demo and the benchmark.
//   mailenv up [--dir DIR] [--messages N] [--user U]... [--large] [--seed S] [--days D] [--no-redis] [--aof]
//              [--imap-port P] [--imaps-port P] [--redis-port P] [--hibernate SECONDS]
//   mailenv token --key K --sub S [--scopes "..."] [--roles a,b] [--amr pwd,mfa] [--minutes N] [--claim name=value]...
//   mailenv imap-token --dir DIR --user U [--minutes N]
try
{
    var command = args.Length > 0 ? args[0] : "help";
    var options = CommandLine.Parse(args.Skip(1));
    return command switch
    {
        "up" => await UpCommand.RunAsync(options),
        "token" => TokenCommands.Dev(options),
        "imap-token" => TokenCommands.Imap(options),
        _ => CommandLine.Usage(),
    };
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"mailenv: {e.Message}");
    return 2;
}
catch (InvalidOperationException e)
{
    await Console.Error.WriteLineAsync($"mailenv: {e.Message}");
    return 1;
}
