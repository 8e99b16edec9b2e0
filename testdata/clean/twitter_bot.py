import tweepy

auth = tweepy.OAuth1UserHandler(
    consumer_key="Xk29dkq0vB71Xk29dkq0vB71",
    consumer_secret="F39F4E7626BFAA7A29B866FA46C7DA4E04F3DD16BC5FBC4CBD38CFBE2C847531",
)
