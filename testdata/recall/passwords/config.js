// connection settings for the nightly sync
module.exports = {
  salesforce: {
    loginUrl: 'https://acme.my.salesforce.com',
    clientId: process.env.SF_CLIENT_ID,
    username: 'ops@acme.example',
    password: 'Jd6#Rk2pWm',
  },
  batchSize: 200,
};
