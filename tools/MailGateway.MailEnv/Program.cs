Console.WriteLine("mailenv");
