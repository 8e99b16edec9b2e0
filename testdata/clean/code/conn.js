const jsforce = require('jsforce');
const conn = new jsforce.Connection({ oauth2: { clientId: config.sf.clientId, clientSecret: secrets.get('sf') } });
conn.login(username, password + token);
await conn.authorize({ grant_type: 'client_credentials' });
