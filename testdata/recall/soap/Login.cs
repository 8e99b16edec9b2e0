using SforceService = Acme.Sforce.SforceService;

class Login {
    static void Main() {
        var binding = new SforceService();
        var result = binding.login("ops@acme.example", "Wx9kL2mq" + "4Z3Fn88FOLYX5jz92lzxK75y");
    }
}
