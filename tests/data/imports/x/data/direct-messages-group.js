window.YTD.direct_messages_group.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1700000000000000000",
      "messages" : [
        {
          "messageCreate" : {
            "reactions" : [],
            "urls" : [],
            "text" : "Welcome both!",
            "mediaUrls" : [],
            "senderId" : "1000",
            "id" : "1700000000000000011",
            "createdAt" : "2023-04-01T10:05:00.000Z"
          }
        },
        {
          "messageCreate" : {
            "reactions" : [],
            "urls" : [],
            "text" : "Hello from the group",
            "mediaUrls" : [],
            "senderId" : "2002",
            "id" : "1700000000000000010",
            "createdAt" : "2023-04-01T10:01:00.000Z"
          }
        },
        {
          "joinConversation" : {
            "initiatingUserId" : "1000",
            "participantsSnapshot" : [
              "2002",
              "2003"
            ],
            "createdAt" : "2023-04-01T10:00:00.000Z"
          }
        }
      ]
    }
  }
]