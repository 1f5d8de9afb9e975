using System.Net;
using System.Net.Sockets;

namespace MailGateway.Testing;

/// <summary>
/// Free loopback ports for the servers a test run starts. The kernel may hand the same ephemeral port to two
/// bind-to-0 probes once the first probe closed it, so two servers started at the same time could be given one port:
/// the second fails to bind while its start-up check is answered by the first. Ports handed out once in this
/// process are never handed out again.
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Given)
            {
                if (Given.Add(port))
                    return port;
            }
        }
    }
}
