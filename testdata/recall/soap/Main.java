import com.sforce.soap.partner.Connector;
import com.sforce.soap.partner.PartnerConnection;
import com.sforce.ws.ConnectorConfig;

public class Main {
    public static void main(String[] args) throws Exception {
        ConnectorConfig config = new ConnectorConfig();
        config.setUsername("ops@acme.example");
        config.setPassword("Hq7-Lm2xIkWs0zYMW9tfotY8g7lLrTsX");
        PartnerConnection connection = Connector.newConnection(config);
    }
}
