window.YTD.following.part0 = [
  {
    "following" : {
      "accountId" : "2002",
      "userLink" : "https://twitter.com/intent/user?user_id=2002"
    }
  },
  {
    "following" : {
      "accountId" : "2003",
      "userLink" : "https://twitter.com/intent/user?user_id=2003"
    }
  }
]