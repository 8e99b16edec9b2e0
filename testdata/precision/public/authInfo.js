// Salesforce CLI: the legacy connected app, for old auth files without a client id
const DEFAULT_CONNECTED_APP_INFO = {
  legacyClientId: 'SalesforceDevelopmentExperience',
  legacyClientSecret: '1384510088588713504'
};
const tokenUrl = 'https://login.salesforce.com/services/oauth2/token';
