// Salesforce record and org ids are identifiers, not secrets
String accountId = "001xx000003DGbYAAW";
String orgId = "00D5e000000ABCDEAS";
String clientId = "3MVG9KKKO8NqOmXFjpzUuktrMTvcfeM.W7nafAfD3dXFq9fYVPHyUmvmwVcvFKXMhbzlEd4VvuzuYFl7iKCyZ";
long createdTimestamp = 7513047454207447032L;
