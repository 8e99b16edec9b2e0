<?php
require_once 'soapclient/SforcePartnerClient.php';

abstract class SforceBaseTest extends PHPUnit_Framework_TestCase {
    protected $_username = 'ci@acme.example';
    protected $_password = 'Fv8mQz2Lr';
    protected $_token = '82oyswq2jx1JO0fq4kQwKEw4';
    protected $_wsdl = 'partner.wsdl.xml';

    protected function setUp() {
        $this->_connection = new SforcePartnerClient();
        $this->_connection->createConnection($this->_wsdl);
        $this->_connection->login($this->_username, $this->_password . $this->_token);
    }
}
