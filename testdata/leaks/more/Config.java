public class Config {
  @Value("${sf.client.secret:EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248}")
  private String secret;
  public static final String SF_PASS = "Xk29dkq0vB71";
}
