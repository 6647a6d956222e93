window.YTD.direct_messages.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1000-2001",
      "messages" : [
        {
          "messageCreate" : {
            "recipientId" : "1000",
            "reactions" : [],
            "urls" : [],
            "text" : "Tea &amp; cake on Monday?",
            "mediaUrls" : [],
            "senderId" : "2001",
            "id" : "1600000000000000002",
            "createdAt" : "2023-03-02T09:15:00.000Z"
          }
        },
        {
          "messageCreate" : {
            "recipientId" : "2001",
            "reactions" : [],
            "urls" : [],
            "text" : "Hi! Loved your talk.",
            "mediaUrls" : [],
            "senderId" : "1000",
            "id" : "1600000000000000001",
            "createdAt" : "2023-03-01T18:00:00.000Z"
          }
        },
        {
          "messageCreate" : {
            "recipientId" : "2001",
            "reactions" : [],
            "urls" : [],
            "text" : "",
            "mediaUrls" : [
              "https://ton.twitter.com/1.jpg"
            ],
            "senderId" : "1000",
            "id" : "1600000000000000000",
            "createdAt" : "2023-03-01T17:59:00.000Z"
          }
        }
      ]
    }
  }
]