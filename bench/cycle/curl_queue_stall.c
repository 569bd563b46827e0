/*
 * curl_queue_stall.c - libcurl alone, without redline: N GETs to one host
 * through one multi handle, AHEAD of them in the handle at once, at most
 * HOSTMAX connections (CURLMOPT_MAX_HOST_CONNECTIONS), the loop redline's
 * fetcher had: perform, read what finished, poll up to 1 s.  Prints the
 * polls that sat out the whole second with transfers queued and nothing
 * happening (libcurl 7.88 forgot a queued transfer).  GUARD=1 adds
 * redline's cure: perform again after anything finished, and poll at most
 * 10 ms when libcurl has no socket to wait on.  See docs/benchmarks.md.
 *
 *   cc -O2 bench/cycle/curl_queue_stall.c -lcurl -o /tmp/curl_queue_stall
 *   /tmp/curl_queue_stall http://127.0.0.1:PORT 1000 128 2 0 0 GUARD
 *   (pages p0000.html ... from bench/cycle/gen_pages.py served by nginx;
 *   arguments: base N AHEAD HOSTMAX PIPEWAIT VERBOSE GUARD)
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/select.h>
static long long now_ms(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000LL+t.tv_nsec/1000000;}
static size_t sink(char *d,size_t s,size_t n,void *u){(void)d;(void)u;return s*n;}
int main(int argc,char**argv){
  const char *base=argv[1]; int n=atoi(argv[2]), ahead=atoi(argv[3]), hostmax=atoi(argv[4]), pipewait=atoi(argv[5]), verbose=argc>6?atoi(argv[6]):0, guard=argc>7?atoi(argv[7]):0;
  CURLM *m=curl_multi_init(); curl_multi_setopt(m,CURLMOPT_MAX_HOST_CONNECTIONS,(long)hostmax);
  curl_multi_setopt(m,CURLMOPT_MAX_TOTAL_CONNECTIONS,16L);
  curl_multi_setopt(m,CURLMOPT_PIPELINING,(long)CURLPIPE_MULTIPLEX);
  int added=0,done=0,inmulti=0,stalls=0,idle=0; long long stalled=0, t0=now_ms();
  for(;;){
    while(added<n && inmulti<ahead){ char url[512]; snprintf(url,sizeof url,"%s/p%04d.html",base,added);
      CURL*e=curl_easy_init(); curl_easy_setopt(e,CURLOPT_URL,url); curl_easy_setopt(e,CURLOPT_WRITEFUNCTION,sink);
      if(pipewait) curl_easy_setopt(e,CURLOPT_PIPEWAIT,1L);
      if(verbose) curl_easy_setopt(e,CURLOPT_VERBOSE,1L);
      curl_multi_add_handle(m,e); added++; inmulti++; }
    int running; curl_multi_perform(m,&running);
    CURLMsg*msg; int left, fin=0;
    while((msg=curl_multi_info_read(m,&left))){ if(msg->msg!=CURLMSG_DONE)continue; CURL*e=msg->easy_handle;
      curl_multi_remove_handle(m,e); curl_easy_cleanup(e); done++; inmulti--; fin++; }
    if(done==n)break;
    if(added<n && inmulti<ahead) continue;
    int wait=1000;
    if(guard){ if(fin) continue; fd_set r,w,x; int mx=-1; FD_ZERO(&r);FD_ZERO(&w);FD_ZERO(&x); curl_multi_fdset(m,&r,&w,&x,&mx); if(mx<0){wait=10; idle++;} }
    long long a=now_ms(); int nfd=0; curl_multi_poll(m,NULL,0,wait,&nfd); long long d=now_ms()-a;
    if(d>=wait&&wait>=1000&&nfd==0){stalls++;stalled+=d; long tmo; curl_multi_timeout(m,&tmo); fprintf(stderr,"stall %lld ms, running %d, in multi %d, curl timeout %ld\n",d,running,inmulti,tmo);}
  }
  printf("n=%d ahead=%d hostmax=%d guard=%d: %lld ms, %d stalls, %lld ms stalled, %d short idle waits\n",n,ahead,hostmax,guard,now_ms()-t0,stalls,stalled,idle);
  return 0;}
