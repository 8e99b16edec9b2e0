import { AuthInfo, matchesAccessToken } from '../../src/org/authInfo';

describe('parseSfdxAuthUrl()', () => {
  it('parses a url with no client secret', () => {
    const options = AuthInfo.parseSfdxAuthUrl(
      'force://PlatformCLI::5Aep861exw_.SRxPbkg7M85vkQf6B9rW9nsP6LPboPNBXr5kVw3._Q.uxx84fi0tA01mJK4jYOqDeJs8zzaz4f8@acme.my.salesforce.com'
    );
    expect(options.refreshToken).to.exist;
  });

  it('does not save access token files', async () => {
    // an access token passed as the username
    const username =
      '00D1CYzYsRkDcjJ!ARFIl8Va7ORFO1HxlNQE3YEUdEwqMEzXLDBWRG_wqRSavzseZIA18zdllTXZvmOIe7cFPZnn3hlR4.WbCDQT61c4qTTzq.Dk';
    await AuthInfo.create({ username });
  });

  it('recognises an access token', () => {
    expect(matchesAccessToken('00DSsCV057eNoPi!AQO8iJF.l_lpsx6IF6eLaCPKgxV.xJcNgVPyTA8jNTzFWXUSeFlXna4GChW52ecumEeydjJgHOHbPWyeUF1bwkwIo_R8fG9z')).to.be.true;
  });

  it('encrypts the client secret', () => {
    const salesforce = { loginUrl: 'https://login.salesforce.com' };
    const clientSecret = 'AC7F1C489C62D7B7C37';
    const dummy = { clientId: 'foo', clientSecret: 'myClientSecret' };
  });
});
