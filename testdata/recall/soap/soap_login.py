import requests

ENVELOPE = """<?xml version="1.0" encoding="utf-8"?>
<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">
  <env:Body>
    <urn:login>
      <urn:username>ops@acme.example</urn:username>
      <urn:password>Nt4wXq8RvzygcIwsnOpLN1tk4nW7VMmU4</urn:password>
    </urn:login>
  </env:Body>
</env:Envelope>"""

resp = requests.post("https://login.salesforce.com/services/Soap/u/59.0", data=ENVELOPE,
                     headers={"Content-Type": "text/xml", "SOAPAction": "login"})
