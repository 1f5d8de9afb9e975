namespace MailGateway.Testing;

/// <summary>Placeholder until the mail environment lands.</summary>
public static class TestingAssembly;
