window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "sam@example.org",
      "createdVia" : "web",
      "username" : "sam_owner",
      "accountId" : "1000",
      "createdAt" : "2010-01-01T00:00:00.000Z",
      "accountDisplayName" : "Sam Owner"
    }
  }
]