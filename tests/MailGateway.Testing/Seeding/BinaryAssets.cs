using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MailGateway.Testing.Seeding;

/// <summary>Small but valid attachment payloads (PNG, PDF, CSV, ICS) generated from a seeded random source.</summary>
internal static class BinaryAssets
{
    public static byte[] Png(Random random, int size)
    {
        // size x size RGB image: a colour gradient with some noise.
        using var raw = new MemoryStream();
        var (r0, g0, b0) = (random.Next(256), random.Next(256), random.Next(256));
        for (var y = 0; y < size; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var x = 0; x < size; x++)
            {
                raw.WriteByte((byte)(r0 + x * 4));
                raw.WriteByte((byte)(g0 + y * 4));
                raw.WriteByte((byte)(b0 + random.Next(16)));
            }
        }
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
            z.Write(raw.GetBuffer(), 0, (int)raw.Length);

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, size);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), size);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 2;  // colour type RGB
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", idat.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    public static byte[] Pdf(string title)
    {
        var text = $"""
            %PDF-1.4
            1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
            2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
            3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj
            4 0 obj << /Length {31 + title.Length} >> stream
            BT /F1 18 Tf 72 720 Td ({title}) Tj ET
            endstream endobj
            5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
            trailer << /Root 1 0 R >>
            %%EOF

            """;
        return Encoding.ASCII.GetBytes(text);
    }

    public static byte[] Csv(Random random, int rows)
    {
        var sb = new StringBuilder("date,item,quantity,amount\r\n");
        for (var i = 0; i < rows; i++)
            sb.Append($"2026-{1 + i % 12:00}-{1 + i % 28:00},{MailCorpus.Words[random.Next(MailCorpus.Words.Length)]},{random.Next(1, 50)},{random.Next(100, 99999) / 100.0:0.00}\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static byte[] Ics(int seq) => Encoding.UTF8.GetBytes(
        $"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//MailGateway//mailenv//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n" +
        $"UID:event-{seq}@mailenv.test\r\nDTSTAMP:20260101T090000Z\r\nDTSTART:20260115T{9 + seq % 8:00}0000Z\r\n" +
        $"DTEND:20260115T{10 + seq % 8:00}0000Z\r\nSUMMARY:Planning session {seq}\r\nLOCATION:Room 4.{seq % 10}\r\n" +
        "END:VEVENT\r\nEND:VCALENDAR\r\n");

    public static byte[] Random(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        var typeAndData = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typeAndData);
        data.CopyTo(typeAndData, 4);
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(length, Crc32(typeAndData));
        stream.Write(length);
    }

    private static readonly uint[] CrcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }
}
